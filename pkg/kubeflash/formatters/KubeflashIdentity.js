// List cell: Verified / Mismatch / Unknown badge of a Device's IdentityMatches condition (reported chip and MAC), its message as tooltip.
import { DeviceConditionType } from '@kubeflash/api';
import { badgeFormatter } from '../components/badge-formatter';
import { findCondition, identityBadge } from '../utils/badges';

export default badgeFormatter('KubeflashIdentity', 'kubeflash-identity-badge', { badge: identityBadge, tooltip: (row) => findCondition(row.status?.conditions, DeviceConditionType.IdentityMatches)?.message });

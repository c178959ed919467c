// List cell: config state of a Device from its ConfigReady condition, the condition message as tooltip.
import { badgeFormatter } from '../components/badge-formatter';
import { configBadge, configCondition } from '../utils/badges';

export default badgeFormatter('KubeflashConfigState', 'kubeflash-config-badge', { badge: configBadge, tooltip: (row) => configCondition(row)?.message });

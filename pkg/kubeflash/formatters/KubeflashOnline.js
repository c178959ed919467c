// List cell: Online / Offline / Never seen badge of a Device.
import { badgeFormatter } from '../components/badge-formatter';
import { onlineBadge } from '../utils/badges';

export default badgeFormatter('KubeflashOnline', 'kubeflash-online-badge', { badge: onlineBadge });

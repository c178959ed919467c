// List cell: Pending / Building / Succeeded / Failed badge of a Firmware build.
import { badgeFormatter } from '../components/badge-formatter';
import { phaseBadge } from '../utils/badges';

export default badgeFormatter('KubeflashPhase', 'kubeflash-phase-badge', { badge: phaseBadge });

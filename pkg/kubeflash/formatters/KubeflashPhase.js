// List cell: Pending / Building / Succeeded / Failed badge of a Firmware build, the message's first line as tooltip.
import { badgeFormatter } from '../components/badge-formatter';
import { buildMessageHead, phaseBadge } from '../utils/badges';

export default badgeFormatter('KubeflashPhase', 'kubeflash-phase-badge', { badge: phaseBadge, tooltip: buildMessageHead });

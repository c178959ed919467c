// Labels of the install objects (app.kubernetes.io recommended labels). Selector labels never change between
// versions, so upgrades keep matching the running pods.
import { APP_NAME } from '../names';
import { INSTALL_VERSION } from '../version';

/** Labels selecting a component's pods. */
export function selectorLabels(component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': APP_NAME, 'app.kubernetes.io/component': component };
}

/** Labels of every object of a component. */
export function labels(component: string): Record<string, string> {
  return { ...selectorLabels(component), 'app.kubernetes.io/part-of': APP_NAME, 'app.kubernetes.io/version': INSTALL_VERSION };
}

// Every part of the install, in the order their objects are applied. A new part of the product adds its file
// here (its values, objects, operator grants and notes come with it).
import type { Component } from './component';
import { artifactsComponent } from './artifacts';
import { monitoringComponent } from './monitoring';
import { operatorComponent } from './operator';
import { operatorRbacComponent } from './operator-rbac';
import { userRolesComponent } from './user-roles';
import { webhooksComponent } from './webhooks';

/** The components that declare values, objects and operator grants of their own. */
export const PARTS: readonly Component[] = [operatorComponent, webhooksComponent, userRolesComponent, monitoringComponent, artifactsComponent];

/** Every component, the operator's RBAC (derived from the parts' grants) right after the operator. */
export const COMPONENTS: readonly Component[] = [operatorComponent, operatorRbacComponent(PARTS), ...PARTS.slice(1)];

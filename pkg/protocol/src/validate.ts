import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { MessageKind } from './channels';
import { ViolationReason } from './reasons';
import { schemaDocument } from './schemas/index';

// ajv is CommonJS: Node's ESM loader hands over module.exports (the class), bundlers hand over a namespace whose
// default is the class. Accept both.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: typeof Ajv2020Module }).default ?? Ajv2020Module) as typeof Ajv2020Module;

// verbose: errors carry their schema, so messages can quote the field's description instead of a long pattern.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: false, verbose: true });
const compiled = new Map<MessageKind, ValidateFunction>();

/** The compiled validator of a message kind (compiled on first use, then cached). */
export function validatorFor(kind: MessageKind): ValidateFunction {
  let validate = compiled.get(kind);
  if (!validate) {
    validate = ajv.compile(schemaDocument(kind));
    compiled.set(kind, validate);
  }
  return validate;
}

/** A schema failure turned into a protocol reason, the offending field and a sentence without payload values. */
export interface SchemaFailure {
  reason: ViolationReason;
  field: string;
  detail: string;
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(error: ErrorObject): string {
  const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? ` (${description.replace(/\.$/, '')})` : '';
}

/** Maps the first ajv error of a failed validation to a protocol reason and field. */
export function schemaFailure(kind: MessageKind, errors: readonly ErrorObject[]): SchemaFailure {
  // Wrappers (if, allOf, propertyNames) follow the error that explains them; the first concrete one decides.
  const error = errors.find((e) => !['if', 'allOf', 'propertyNames'].includes(e.keyword)) ?? errors[0];
  const at = error.instancePath;
  const label = (field: string) => (field === '' ? 'the payload' : field);
  switch (error.keyword) {
    case 'required': {
      const field = `${at}/${escapePointer(String(error.params.missingProperty))}`;
      return { reason: ViolationReason.MissingField, field, detail: `${kind}: required field ${field} is missing` };
    }
    case 'additionalProperties': {
      const field = `${at}/${escapePointer(String(error.params.additionalProperty))}`;
      return { reason: ViolationReason.UnknownField, field, detail: `${kind}: field ${field} is not part of the message` };
    }
    case 'false schema':
      return { reason: ViolationReason.UnknownField, field: at, detail: `${kind}: field ${at} is not allowed with these values` };
    case 'type':
      return { reason: ViolationReason.WrongType, field: at, detail: `${kind}: ${label(at)} must be of type ${String(error.params.type)}` };
    case 'const':
      return { reason: ViolationReason.InvalidValue, field: at, detail: `${kind}: ${label(at)} must be ${JSON.stringify(error.params.allowedValue)}` };
    case 'enum':
      return {
        reason: ViolationReason.InvalidValue,
        field: at,
        detail: `${kind}: ${label(at)} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
    case 'format': {
      // A propertyNames failure points at the object; the offending name is the field.
      const name = (error as ErrorObject & { propertyName?: string }).propertyName;
      if (name !== undefined) {
        const field = `${at}/${escapePointer(name)}`;
        return { reason: ViolationReason.InvalidFormat, field, detail: `${kind}: name of ${field} is not allowed (must match ${String(error.params.pattern)})` };
      }
      return { reason: ViolationReason.InvalidFormat, field: at, detail: `${kind}: ${label(at)} does not have the required format${describe(error)}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minProperties':
    case 'maxProperties':
    case 'minItems':
    case 'maxItems':
      return { reason: ViolationReason.OutOfRange, field: at, detail: `${kind}: ${label(at)} ${error.message ?? 'is out of range'}` };
    default:
      return { reason: ViolationReason.InvalidValue, field: at, detail: `${kind}: ${label(at)} ${error.message ?? 'is invalid'}` };
  }
}

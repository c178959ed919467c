import type { KObject } from '../store';
import { validateMutatingWebhookConfiguration, validateValidatingWebhookConfiguration } from './admissionregistration';

/** A configuration stored before v1 made sideEffects and a known admissionReviewVersion mandatory (it cannot be created today). */
function legacy(hooks: Record<string, unknown>[]): KObject {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'legacy' }, webhooks: hooks } as KObject;
}

const legacyHook = {
  name: 'legacy.example.com',
  sideEffects: 'Unknown',
  admissionReviewVersions: ['v1beta2'],
  clientConfig: { url: 'https://hook.example.com/' },
};

describe('webhook configuration update ratcheting (ValidateValidatingWebhookConfigurationUpdate)', () => {
  it('rejects on create what an update of an object that never met the rule may keep', () => {
    const obj = legacy([legacyHook, { ...legacyHook }]);
    const created = validateValidatingWebhookConfiguration(obj, undefined).map((c) => `${c.field}: ${c.reason}`);
    expect(created.sort()).toEqual([
      'webhooks[0].admissionReviewVersions: FieldValueInvalid',
      'webhooks[0].sideEffects: FieldValueNotSupported',
      'webhooks[1].admissionReviewVersions: FieldValueInvalid',
      'webhooks[1].name: FieldValueDuplicate',
      'webhooks[1].sideEffects: FieldValueNotSupported',
    ]);
    expect(validateValidatingWebhookConfiguration(obj, legacy([legacyHook, { ...legacyHook }]))).toEqual([]);
  });

  it('still holds an update to the rules its old object met', () => {
    const old = legacy([{ ...legacyHook, sideEffects: 'None' }]);
    const causes = validateMutatingWebhookConfiguration(legacy([legacyHook]), old);
    expect(causes.map((c) => c.field)).toEqual(['webhooks[0].sideEffects']);
  });
});

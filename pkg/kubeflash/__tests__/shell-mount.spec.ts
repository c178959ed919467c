import { mount } from '@vue/test-utils';
import { LabeledInput } from '@components/Form/LabeledInput';

describe('shell components mount in the extension test project', () => {
  it('renders LabeledInput with its label and emits typed values', async() => {
    const wrapper = mount(LabeledInput, {
      props: {
        value: 'a', label: 'Site', mode: 'edit'
      }
    });

    expect(wrapper.find('label').text()).toContain('Site');
    await wrapper.find('input').setValue('garage');
    expect(wrapper.emitted('update:value')?.at(-1)).toStrictEqual(['garage']);
  });
});

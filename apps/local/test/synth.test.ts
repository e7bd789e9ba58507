import { EnvironmentStack } from '@canaryfleet/environment-stack';
import { Testing } from 'cdktf';
import { config } from '../src/config';

// The whole synthesized stack: a change of any resource or address shows up in review.
test('the local environment synthesizes to the reviewed Terraform', () => {
  expect(JSON.parse(Testing.synth(new EnvironmentStack(Testing.app(), config)))).toMatchSnapshot();
});

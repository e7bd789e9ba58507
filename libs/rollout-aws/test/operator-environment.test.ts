import { parseOperatorEnvironment } from '../src';

describe('the outputs file', () => {
  test('names the file, the environment and every output that is missing or wrong', () => {
    expect(() => parseOperatorEnvironment('{"environment":"dev","outputs":{"alb_arn":"nope"}}', 'dist/outputs/dev.json', 'dev')).toThrow(
      /dist\/outputs\/dev.json: the outputs of dev are not what the operator needs \(run `npx nx run dev:outputs` after a deploy\):\n {2}- outputs.alb_arn: must be an ARN\n {2}- outputs.alb_arn_suffix: /,
    );
    expect(() => parseOperatorEnvironment('{"environment":"prod","outputs":{}}', 'f.json', 'dev')).toThrow('f.json: environment = "prod": must be "dev" (the outputs of another environment)');
    expect(() => parseOperatorEnvironment('not json', 'f.json', 'dev')).toThrow(/^f.json: must be JSON/);
  });
});

import { startSharedDeployment } from '../local-aws/shared-deployment';

export default startSharedDeployment;

import { stopSharedDeployment } from '../local-aws/shared-deployment';

export default stopSharedDeployment;

import { synthEnvironment } from '@canaryfleet/environment-stack';
import { config } from './config';

synthEnvironment(config);

// Registers the cdktf jest matchers (toHaveResourceWithProperties, toBeValidTerraform, ...) in every suite.
const { Testing } = require('cdktf');

Testing.setupJest();

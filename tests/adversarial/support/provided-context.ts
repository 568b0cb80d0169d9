// Types of what the run's globalSetup provides: `inject('localS3')` (the testkit's cluster)
// and `inject('tokenServer')` (the token server's shared instance).
import type {} from '@s3up/testkit/global-setup';
import type {} from '@s3up/testkit/provided-token-server';

import type { ActionIO } from '../shared/action/io.js'
import { ConfigError } from '../shared/errors.js'
import { readRouterInputs } from './inputs.js'

/**
 * The comment-command router (`/rollgate promote production`). Until it lands, it says which
 * actions to use instead of doing something half-way.
 */
export async function main(io: ActionIO): Promise<void> {
  readRouterInputs(io)
  throw new ConfigError(
    'The Rollgate comment-command router is not available in this version. Use the actions directly: ' +
      'uses: <owner>/rollgate/actions/deploy-canary@v1, .../analyze@v1, .../promote@v1, .../rollback@v1, .../flag-cleanup@v1.',
  )
}

import { runAction } from '../../shared/action/run.js'
import { main } from './main.js'

void runAction(main, { action: 'drill' })

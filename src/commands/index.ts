/**
 * Every command, for dist/commands.cjs. Each is imported only when it runs: inside the bundle
 * that means its modules (and the libraries they use) are initialised for that command alone.
 */
import type * as Doctor from './doctor.js';
import type * as Models from './models.js';
import type * as Restore from './restore.js';
import type * as Setup from './setup.js';
import type * as Status from './status.js';
import type * as Switch from './switch.js';
import type * as Uninstall from './uninstall.js';

export const doctor: typeof Doctor.doctor = async (...a) => (await import('./doctor.js')).doctor(...a);
export const models: typeof Models.models = async (...a) => (await import('./models.js')).models(...a);
export const restore: typeof Restore.restore = async (...a) => (await import('./restore.js')).restore(...a);
export const setup: typeof Setup.setup = async (...a) => (await import('./setup.js')).setup(...a);
export const status: typeof Status.status = async (...a) => (await import('./status.js')).status(...a);
export const switchEnvironment: typeof Switch.switchEnvironment = async (...a) => (await import('./switch.js')).switchEnvironment(...a);
export const uninstall: typeof Uninstall.uninstall = async (...a) => (await import('./uninstall.js')).uninstall(...a);

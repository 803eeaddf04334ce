import type { CloudArrayKey, CloudArrays, GaussianCloud } from '../../core/gaussianCloud.ts';

/**
 * A GaussianCloud whose arrays may be any numeric array: the reference runs in float64 so that
 * finite-difference checks are not drowned by float32 rounding.
 */
export type ReferenceCloud = Omit<GaussianCloud, CloudArrayKey> & CloudArrays<ArrayLike<number>>;

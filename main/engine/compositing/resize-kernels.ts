/**
 * Which resampling filter to use. Lanczos3 for every reduction and for the model's input (sharpest
 * without aliasing). For enlarging the model's output (up to 100× for big crops) Mitchell: Lanczos'
 * ringing turns the hard edges of a 64 px result into visible halos at that scale; Mitchell trades a
 * little sharpness for none.
 */
export const INPUT_KERNEL = 'lanczos3' as const;
export const REDUCE_OUTPUT_KERNEL = 'lanczos3' as const;
export const ENLARGE_OUTPUT_KERNEL = 'mitchell' as const;

/** The package version reported in results (the packages are versioned together). */
export const VERSION = '0.1.0';

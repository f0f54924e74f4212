/** The codes a plan stores per coefficient (its link g) and per draw dimension (its kind): a leaf module every kernel file can import. */

/** Link functions g, by code. */
export const Link = { identity: 0, exp: 1, censored: 2, logistic: 3 } as const;
export type LinkCode = (typeof Link)[keyof typeof Link];

/** How a standardized draw e is made from the rule's point, by code. */
export const DrawKind = { normal: 0, uniform: 1, triangular: 2, exponential: 3 } as const;
export type DrawKindCode = (typeof DrawKind)[keyof typeof DrawKind];

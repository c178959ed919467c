// The version the install objects carry (chart appVersion, default image tag, labels). It is the operator
// package's version; a test keeps the two equal (a release bumps both).

/** Version of the operator these install objects deploy. */
export const INSTALL_VERSION = '0.1.0';

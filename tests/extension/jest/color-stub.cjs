// `color` 5 is ESM-only and the root jest run uses native ESM mode, where a CommonJS module (the shell's
// utils/color.js, compiled by babel) cannot require it. The shell only calls it for theme colours, which
// no extension test checks, so a chainable stand-in is enough.
function color(input) {
  const api = {
    hex:        () => (typeof input === 'string' ? input : '#000000'),
    rgb:        () => api,
    hsl:        () => api,
    string:     () => api.hex(),
    isDark:     () => false,
    isLight:    () => true,
    luminosity: () => 1,
    contrast:   () => 21,
    lighten:    () => api,
    darken:     () => api,
    alpha:      () => api,
    fade:       () => api,
    mix:        () => api,
    array:      () => [0, 0, 0],
    object:     () => ({ r: 0, g: 0, b: 0 }),
  };

  return api;
}

module.exports = color;
module.exports.default = color;

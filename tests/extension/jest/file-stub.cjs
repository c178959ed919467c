// Stands in for images, fonts and stylesheets imported by shell components.
module.exports = 'test-file-stub';

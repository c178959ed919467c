// Placeholder until the API types land: keeps `npm run check-generated` meaningful from day one.
console.log('no generated files yet');

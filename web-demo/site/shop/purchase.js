// Fjordbrew shop: the order confirmation reports the purchase, the macro
// conversion every micro-conversion on this site leads up to. Loaded after
// /mt-init.js, so the call is queued until microtrack is ready.
microtrack('track', 'purchase', { order_id: 'FJ-1001', value: 349, currency: 'EUR' });

window.microtrack = window.microtrack || function () { (microtrack.q = microtrack.q || []).push(arguments); };
microtrack('init', {
  collector: '/v1/batch',
  visibility: [{ name: 'pricing_teaser', selector: '#pricing-teaser' }],
  goals: [
    { name: 'visited_pricing', path: '/pricing.html' },
    { name: 'article_read', all: [{ event: 'scroll_depth', where: { percent: 75 } }, { engagedMs: 20000 }], path: '/blog/*' }
  ]
});

window.microtrack = window.microtrack || function () { (microtrack.q = microtrack.q || []).push(arguments); };
microtrack('init', { collector: '/v1/batch' });

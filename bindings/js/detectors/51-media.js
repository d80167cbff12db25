// <video> and <audio>, present at load or added later: media events do not
// bubble, so they are caught in the capture phase at the document.
adapters.push(() => {
  if (!core.wants('video')) return;
  const SIGNALS = { play: 0, pause: 1, timeupdate: 2, ended: 3, seeking: 4, seeked: 5 };
  const ids = new WeakMap();  // element -> the number the core knows it by
  let nextId = 1;
  const onMedia = guard((e) => {
    const media = e.target;
    if (!(media instanceof HTMLMediaElement) || media.closest('[data-mt-ignore]')) return;
    if (!ids.has(media)) ids.set(media, nextId++);
    afterCoreCall(core.mediaSignal(ids.get(media), SIGNALS[e.type], media.currentTime, media.duration, media.ended,
      media instanceof HTMLAudioElement, media.currentSrc || media.src, media.dataset.mtTitle || '',
      media.title, media.getAttribute('aria-label') || '', now()));
  });
  for (const type in SIGNALS) document.addEventListener(type, onMedia, true);
});

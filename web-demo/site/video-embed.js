// The product tour: a YouTube embed loaded only when the visitor presses
// play (nothing is requested from YouTube before), with enablejsapi=1 so that
// microtrack can follow the player (docs/CONFIG.md, "Media").
// Offline, or with YouTube blocked, the box says so instead of showing the
// browser's error page inside the frame.
for (const box of document.querySelectorAll('.video-embed[data-youtube-id]')) {
  const button = box.querySelector('button');
  button.addEventListener('click', () => {
    const src = 'https://www.youtube-nocookie.com/embed/' + box.dataset.youtubeId +
      '?enablejsapi=1&autoplay=1&rel=0&origin=' + encodeURIComponent(location.origin);
    // Reachability, asked of YouTube's cookie-less image host: the video's thumbnail.
    const probe = new Image();
    probe.onload = () => {
      const iframe = document.createElement('iframe');
      iframe.src = src;
      iframe.title = box.dataset.title;
      iframe.dataset.mtTitle = box.dataset.title;
      iframe.allow = 'autoplay; encrypted-media; picture-in-picture; fullscreen';
      box.replaceChildren(iframe);
    };
    probe.onerror = () => {
      box.classList.add('offline');
      button.textContent = 'The tour needs a connection to YouTube. Press again when you are online.';
    };
    probe.src = 'https://i.ytimg.com/vi/' + box.dataset.youtubeId + '/default.jpg?' + Date.now();
  });
}

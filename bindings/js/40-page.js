// Page views: the one at start. (SPA navigations come with the detectors.)
const enablePageViews = () => {
  afterCoreCall(core.pageView(location.href, document.title, document.referrer, '', true, now()));
};

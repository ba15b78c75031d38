// <script src="https://hub.example.com/portal/embed.js" data-category="repair" async></script>
// puts the hub's request form into the page as an iframe that grows with its content.
(function () {
  'use strict';
  const script = document.currentScript;
  const origin = new URL(script.src).origin;
  const frame = document.createElement('iframe');
  const params = new URLSearchParams({ embed: '1' });
  if (script.dataset.category) params.set('category', script.dataset.category);
  frame.src = origin + '/portal/new?' + params;
  frame.title = script.dataset.title || 'Report a problem';
  frame.style.cssText = 'width:100%;border:0;min-height:640px;display:block';
  frame.setAttribute('loading', 'lazy');
  window.addEventListener('message', (ev) => {
    if (ev.origin !== origin || ev.source !== frame.contentWindow) return;
    if (ev.data && ev.data.type === 'service-hub:height') frame.style.height = ev.data.height + 'px';
  });
  script.insertAdjacentElement('afterend', frame);
})();

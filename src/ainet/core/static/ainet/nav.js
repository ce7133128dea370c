// On a phone the menu is one row that scrolls sideways (ainet.css): bring the current
// section into view. Without this script every item is still reachable by scrolling or Tab.
(function () {
  var current = document.querySelector(".site-nav [aria-current='page']");
  var list = current && current.closest("ul");
  if (list && list.scrollWidth > list.clientWidth) {
    list.scrollLeft = current.offsetLeft - (list.clientWidth - current.offsetWidth) / 2;
  }
})();

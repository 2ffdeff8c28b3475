// Progressive enhancement only: every page works without this script.
// Selects marked data-autosubmit submit their form on change, so a reader does not have to
// press "Apply" (the button stays for keyboard and no-script use).
document.addEventListener('change', (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && el.form) {
    el.form.requestSubmit();
  }
});

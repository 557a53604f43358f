// Posts the sign-in form as JSON to /api/session and goes on to the page that asked for it.
const form = document.getElementById('sign-in');
const error = document.getElementById('sign-in-error');
form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const data = new FormData(form);
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const response = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: data.get('email'), password: data.get('password') }),
    });
    if (response.ok) {
      window.location.assign(form.dataset.next || '/');
      return;
    }
    const body = await response.json().catch(() => ({}));
    error.textContent = body.error?.message ?? 'Sign-in failed. Please try again.';
  } catch {
    error.textContent = 'The server could not be reached. Check your connection and try again.';
  } finally {
    button.disabled = false;
  }
});

// Sign-in: posts JSON (the form also works without script) and goes where the person was headed.
const params = new URLSearchParams(location.search);
const next = params.get('next') && params.get('next').startsWith('/') && !params.get('next').startsWith('//') ? params.get('next') : '/';
const form = document.getElementById('login');
const failed = document.getElementById('failed');
document.getElementById('next').value = next;
if (params.get('failed')) failed.textContent = 'The name or the password is wrong.';
form.addEventListener('submit', async event => {
  event.preventDefault();
  failed.textContent = '';
  const button = document.getElementById('sign-in');
  button.disabled = true;
  try {
    const response = await fetch('/ui/login', {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', Accept: 'application/json'},
      body: JSON.stringify({name: document.getElementById('name').value, password: document.getElementById('password').value})});
    if (response.ok) {
      location.assign(next);
      return;
    }
    const problem = await response.json().catch(() => ({}));
    failed.textContent = response.status === 401 ? 'The name or the password is wrong.' : (problem.detail || 'Sign-in failed.');
  } catch (e) {
    failed.textContent = 'Cannot reach the server.';
  } finally {
    button.disabled = false;
  }
});

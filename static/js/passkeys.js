// After a passkey is added, show the security page afresh: the new passkey in
// the list. (A file of its own: the Content-Security-Policy allows no inline script.)
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});

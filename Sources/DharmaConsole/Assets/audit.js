// Checks audit entries' inclusion proofs in this browser, against the root in the latest
// signed checkpoint (RFC 9162 §2.1.3.2, SHA-256 by WebCrypto): the server only supplies the
// entry, the proof's hashes and the checkpoint note; the arithmetic happens here.
"use strict";

const bytesOfHex = text => Uint8Array.from(text.match(/../g) || [], pair => parseInt(pair, 16));
const bytesOfBase64 = text => Uint8Array.from(atob(text), character => character.charCodeAt(0));

async function sha256(...parts) {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) { joined.set(part, offset); offset += part.length; }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
}

// A checkpoint note's body: origin, tree size, base64 root hash.
function checkpointOf(note) {
  const lines = note.split("\n");
  return { size: Number(lines[1]), root: bytesOfBase64(lines[2]) };
}

async function verify(proof) {
  const { size, root } = checkpointOf(proof.checkpoint);
  let index = proof.seq, last = size - 1;
  if (index > last) return false;
  let hash = await sha256(new Uint8Array([0]), new TextEncoder().encode(proof.entry));
  for (const sibling of proof.proof.map(bytesOfHex)) {
    if (last === 0) return false;
    if (index % 2 === 1 || index === last) {
      hash = await sha256(new Uint8Array([1]), sibling, hash);
      while (index % 2 === 0 && index !== 0) { index = Math.floor(index / 2); last = Math.floor(last / 2); }
    } else {
      hash = await sha256(new Uint8Array([1]), hash, sibling);
    }
    index = Math.floor(index / 2); last = Math.floor(last / 2);
  }
  return last === 0 && hash.length === root.length && hash.every((byte, at) => byte === root[at]);
}

window.dharmaAudit = { verify };

for (const button of document.querySelectorAll("button.verify")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const verdict = button.parentElement.querySelector(".verdict");
    verdict.textContent = "checking…";
    try {
      const response = await fetch(button.dataset.proof, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      const proof = await response.json();
      const good = await verify(proof);
      verdict.textContent = good
        ? `✓ included in the checkpoint of ${checkpointOf(proof.checkpoint).size} entries`
        : "✗ the proof does not lead to the signed checkpoint";
      verdict.className = "verdict " + (good ? "good" : "bad");
    } catch (error) {
      verdict.textContent = `✗ ${error.message}`;
      verdict.className = "verdict bad";
    }
  });
}

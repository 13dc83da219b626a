import { webcrypto } from "node:crypto";

/** Stored as JSON in users.keys: RSA for HTTP Signatures (Mastodon interop), Ed25519 for Object Integrity Proofs. */
export interface StoredKeys {
  rsa: { publicJwk: JsonWebKey; privateJwk: JsonWebKey };
  ed25519: { publicJwk: JsonWebKey; privateJwk: JsonWebKey };
}

export async function generateActorKeys(): Promise<StoredKeys> {
  const rsa = (await webcrypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as webcrypto.CryptoKeyPair;
  const ed = (await webcrypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  return {
    rsa: {
      publicJwk: await webcrypto.subtle.exportKey("jwk", rsa.publicKey),
      privateJwk: await webcrypto.subtle.exportKey("jwk", rsa.privateKey),
    },
    ed25519: {
      publicJwk: await webcrypto.subtle.exportKey("jwk", ed.publicKey),
      privateJwk: await webcrypto.subtle.exportKey("jwk", ed.privateKey),
    },
  };
}

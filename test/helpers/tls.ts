import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";

/*
 * A throwaway certificate authority for the test network, one per test process.
 *
 * Child processes (Weft instances) learn to trust it through NODE_EXTRA_CA_CERTS, which Node reads only at
 * start. The test process itself (in-process peers, global fetch) trusts it through
 * tls.setDefaultCACertificates (Node >= 22.19 / 24.5), which also covers undici's fetch for connections
 * opened afterwards. So no fixed path, no preload, no lock: each process makes its own CA and removes it
 * on exit. EC P-256 keys keep openssl fast (a few milliseconds per certificate).
 */

export interface TestCa {
  dir: string;
  /** PEM file to pass as NODE_EXTRA_CA_CERTS */
  caFile: string;
  caPem: string;
}

export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

let current: TestCa | null = null;
const issued = new Map<string, IssuedCertificate>();

const CA_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = Weft throwaway test CA
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`;

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}

/** The CA of this test process, created on first use and trusted by this process from then on. */
export function testCa(): TestCa {
  if (current) return current;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-test-ca-"));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, "openssl.cnf"), CA_CONFIG);
  openssl(
    [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", "ca.key", "-out", "ca.pem", "-days", "3", "-config", "openssl.cnf", "-extensions", "ca_ext",
    ],
    dir,
  );
  const caFile = path.join(dir, "ca.pem");
  const caPem = fs.readFileSync(caFile, "utf8");
  tls.setDefaultCACertificates([...tls.getCACertificates("default"), caPem]);
  current = { dir, caFile, caPem };
  return current;
}

/** A server certificate for one loopback IP (subjectAltName IP:…), signed by the test CA. */
export function issueCertificate(ip: string): IssuedCertificate {
  const cached = issued.get(ip);
  if (cached) return cached;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) throw new Error(`issueCertificate wants an IPv4 address, got ${ip}`);
  const ca = testCa();
  const base = `server-${ip}`;
  fs.writeFileSync(
    path.join(ca.dir, `${base}.ext`),
    [
      "basicConstraints = critical,CA:FALSE",
      "keyUsage = critical,digitalSignature",
      "extendedKeyUsage = serverAuth",
      `subjectAltName = IP:${ip}`,
      "authorityKeyIdentifier = keyid",
      "",
    ].join("\n"),
  );
  openssl(
    [
      "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", `${base}.key`, "-out", `${base}.csr`, "-subj", `/CN=${ip}`,
    ],
    ca.dir,
  );
  openssl(
    [
      "x509", "-req", "-in", `${base}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key",
      "-set_serial", `0x${randomBytes(12).toString("hex")}`, "-days", "2",
      "-extfile", `${base}.ext`, "-out", `${base}.pem`,
    ],
    ca.dir,
  );
  const certFile = path.join(ca.dir, `${base}.pem`);
  const keyFile = path.join(ca.dir, `${base}.key`);
  const result = { certFile, keyFile, cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8") };
  issued.set(ip, result);
  return result;
}

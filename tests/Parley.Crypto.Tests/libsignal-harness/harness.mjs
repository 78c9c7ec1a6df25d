// The libsignal side of Parley.Crypto's interop tests.
//
// Protocol: one JSON request per line on stdin, {"id": n, "op": "...", ...}; one JSON response per line
// on stdout, {"id": n, "ok": true, "result": {...}} or {"id": n, "ok": false, "error": "...", "code": ...}.
// Byte strings travel as base64. Parties are in-memory libsignal identities with their own stores.
import * as readline from 'node:readline';
import * as signal from '@signalapp/libsignal-client';

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const bytes = (text) => new Uint8Array(Buffer.from(text ?? '', 'base64'));
const addressKey = (address) => `${address.name()}.${address.deviceId()}`;
const address = (a) => signal.ProtocolAddress.new(a.name, a.deviceId);

class Stores {
  constructor(identity, registrationId) {
    this.identity = identity;
    this.registrationId = registrationId;
    this.identities = new Map();
    this.sessions = new Map();
    this.preKeys = new Map();
    this.signedPreKeys = new Map();
    this.kyberPreKeys = new Map();
    this.senderKeys = new Map();
    const self = this;
    this.sessionStore = new (class extends signal.SessionStore {
      async saveSession(name, record) { self.sessions.set(addressKey(name), record.serialize()); }
      async getSession(name) {
        const stored = self.sessions.get(addressKey(name));
        return stored ? signal.SessionRecord.deserialize(stored) : null;
      }
      async getExistingSessions(addresses) {
        return addresses.map((a) => {
          const stored = self.sessions.get(addressKey(a));
          if (!stored) throw new Error(`no session for ${addressKey(a)}`);
          return signal.SessionRecord.deserialize(stored);
        });
      }
    })();
    this.identityStore = new (class extends signal.IdentityKeyStore {
      async getIdentityKey() { return self.identity.privateKey; }
      async getLocalRegistrationId() { return self.registrationId; }
      async saveIdentity(name, key) {
        const known = self.identities.get(addressKey(name));
        self.identities.set(addressKey(name), key);
        return known && !known.equals(key) ? signal.IdentityChange.ReplacedExisting : signal.IdentityChange.NewOrUnchanged;
      }
      async isTrustedIdentity(name, key) {
        const known = self.identities.get(addressKey(name));
        return !known || known.equals(key);
      }
      async getIdentity(name) { return self.identities.get(addressKey(name)) ?? null; }
    })();
    this.preKeyStore = new (class extends signal.PreKeyStore {
      async savePreKey(id, record) { self.preKeys.set(id, record); }
      async getPreKey(id) {
        const record = self.preKeys.get(id);
        if (!record) throw new Error(`no prekey ${id}`);
        return record;
      }
      async removePreKey(id) { self.preKeys.delete(id); }
    })();
    this.signedPreKeyStore = new (class extends signal.SignedPreKeyStore {
      async saveSignedPreKey(id, record) { self.signedPreKeys.set(id, record); }
      async getSignedPreKey(id) {
        const record = self.signedPreKeys.get(id);
        if (!record) throw new Error(`no signed prekey ${id}`);
        return record;
      }
    })();
    this.kyberPreKeyStore = new (class extends signal.KyberPreKeyStore {
      async saveKyberPreKey(id, record) { self.kyberPreKeys.set(id, record); }
      async getKyberPreKey(id) {
        const record = self.kyberPreKeys.get(id);
        if (!record) throw new Error(`no kyber prekey ${id}`);
        return record;
      }
      async markKyberPreKeyUsed(id) { self.kyberPreKeys.delete(id); }
    })();
    this.senderKeyStore = new (class extends signal.SenderKeyStore {
      async saveSenderKey(sender, distributionId, record) {
        self.senderKeys.set(`${addressKey(sender)}/${distributionId}`, record.serialize());
      }
      async getSenderKey(sender, distributionId) {
        const stored = self.senderKeys.get(`${addressKey(sender)}/${distributionId}`);
        return stored ? signal.SenderKeyRecord.deserialize(stored) : null;
      }
    })();
  }
}

// libsignal's log (warnings and errors), kept so tests can see why it refused something.
const logLines = [];
signal.initLogger(signal.LogLevel.Warn, (level, target, file, line, message) => {
  logLines.push(message);
  if (logLines.length > 500) logLines.shift();
});

const parties = new Map();
let nextPreKeyId = 1;

function party(name) {
  const found = parties.get(name);
  if (!found) throw new Error(`unknown party ${name}`);
  return found;
}

const ops = {
  'log.take': () => ({ lines: logLines.splice(0, logLines.length) }),

  'keys.generate': () => {
    const privateKey = signal.PrivateKey.generate();
    return { privateKey: b64(privateKey.serialize()), publicKey: b64(privateKey.getPublicKey().serialize()) };
  },
  'keys.publicKey': (r) => ({ publicKey: b64(signal.PrivateKey.deserialize(bytes(r.privateKey)).getPublicKey().serialize()) }),
  'keys.sign': (r) => ({ signature: b64(signal.PrivateKey.deserialize(bytes(r.privateKey)).sign(bytes(r.message))) }),
  'keys.verify': (r) => ({ valid: signal.PublicKey.deserialize(bytes(r.publicKey)).verify(bytes(r.message), bytes(r.signature)) }),
  'keys.agree': (r) => ({
    shared: b64(signal.PrivateKey.deserialize(bytes(r.privateKey)).agree(signal.PublicKey.deserialize(bytes(r.publicKey)))),
  }),

  fingerprint: (r) => {
    const fingerprint = signal.Fingerprint.new(
      r.iterations, r.version,
      bytes(r.localId), signal.PublicKey.deserialize(bytes(r.localKey)),
      bytes(r.remoteId), signal.PublicKey.deserialize(bytes(r.remoteKey)));
    const result = {
      displayable: fingerprint.displayableFingerprint().toString(),
      scannable: b64(fingerprint.scannableFingerprint().toBuffer()),
    };
    if (r.scanned !== undefined) {
      result.matches = fingerprint.scannableFingerprint().compare(signal.ScannableFingerprint._fromBuffer(bytes(r.scanned)));
    }
    return result;
  },

  'party.create': (r) => {
    const identity = signal.IdentityKeyPair.generate();
    parties.set(r.name, { stores: new Stores(identity, r.registrationId), address: { name: r.name, deviceId: r.deviceId } });
    return { identityKey: b64(identity.publicKey.serialize()) };
  },

  'party.bundle': async (r) => {
    const p = party(r.party);
    const identity = p.stores.identity;
    const signedId = nextPreKeyId++;
    const signed = signal.PrivateKey.generate();
    const signedRecord = signal.SignedPreKeyRecord.new(
      signedId, Date.now(), signed.getPublicKey(), signed, identity.privateKey.sign(signed.getPublicKey().serialize()));
    await p.stores.signedPreKeyStore.saveSignedPreKey(signedId, signedRecord);
    const kyberId = nextPreKeyId++;
    const kyber = signal.KEMKeyPair.generate();
    const kyberSignature = identity.privateKey.sign(kyber.getPublicKey().serialize());
    await p.stores.kyberPreKeyStore.saveKyberPreKey(kyberId, signal.KyberPreKeyRecord.new(kyberId, Date.now(), kyber, kyberSignature));
    let preKeyId = null;
    let preKey = null;
    if (r.oneTimePreKey !== false) {
      preKeyId = nextPreKeyId++;
      const oneTime = signal.PrivateKey.generate();
      await p.stores.preKeyStore.savePreKey(preKeyId, signal.PreKeyRecord.new(preKeyId, oneTime.getPublicKey(), oneTime));
      preKey = b64(oneTime.getPublicKey().serialize());
    }
    return {
      registrationId: p.stores.registrationId,
      deviceId: p.address.deviceId,
      preKeyId,
      preKey,
      signedPreKeyId: signedId,
      signedPreKey: b64(signed.getPublicKey().serialize()),
      signedPreKeySignature: b64(signedRecord.signature()),
      identityKey: b64(identity.publicKey.serialize()),
      kyberPreKeyId: kyberId,
      kyberPreKey: b64(kyber.getPublicKey().serialize()),
      kyberPreKeySignature: b64(kyberSignature),
      kyberSecretKey: b64(kyber.getSecretKey().serialize()),
    };
  },

  'session.processBundle': async (r) => {
    const p = party(r.party);
    const b = r.bundle;
    const bundle = signal.PreKeyBundle.new(
      b.registrationId, b.deviceId,
      b.preKeyId ?? null, b.preKey ? signal.PublicKey.deserialize(bytes(b.preKey)) : null,
      b.signedPreKeyId, signal.PublicKey.deserialize(bytes(b.signedPreKey)), bytes(b.signedPreKeySignature),
      signal.PublicKey.deserialize(bytes(b.identityKey)),
      b.kyberPreKeyId, signal.KEMPublicKey.deserialize(bytes(b.kyberPreKey)), bytes(b.kyberPreKeySignature));
    await signal.processPreKeyBundle(bundle, address(r.remote), address(p.address), p.stores.sessionStore, p.stores.identityStore);
    return {};
  },

  'session.encrypt': async (r) => {
    const p = party(r.party);
    const message = await signal.signalEncrypt(
      bytes(r.plaintext), address(r.remote), address(p.address), p.stores.sessionStore, p.stores.identityStore);
    return { type: message.type(), body: b64(message.serialize()) };
  },

  'session.decrypt': async (r) => {
    const p = party(r.party);
    const s = p.stores;
    let plaintext;
    if (r.type === signal.CiphertextMessageType.PreKey) {
      plaintext = await signal.signalDecryptPreKey(
        signal.PreKeySignalMessage.deserialize(bytes(r.body)), address(r.remote), address(p.address),
        s.sessionStore, s.identityStore, s.preKeyStore, s.signedPreKeyStore, s.kyberPreKeyStore);
    } else {
      plaintext = await signal.signalDecrypt(
        signal.SignalMessage.deserialize(bytes(r.body)), address(r.remote), address(p.address), s.sessionStore, s.identityStore);
    }
    return { plaintext: b64(plaintext) };
  },

  'session.record': async (r) => {
    const record = await party(r.party).stores.sessionStore.getSession(address(r.remote));
    return { record: record ? b64(record.serialize()) : null };
  },

  'group.create': async (r) => {
    const p = party(r.party);
    const message = await signal.SenderKeyDistributionMessage.create(address(p.address), r.distributionId, p.stores.senderKeyStore);
    return { message: b64(message.serialize()) };
  },

  'group.process': async (r) => {
    const p = party(r.party);
    await signal.processSenderKeyDistributionMessage(
      address(r.sender), signal.SenderKeyDistributionMessage.deserialize(bytes(r.message)), p.stores.senderKeyStore);
    return {};
  },

  'group.encrypt': async (r) => {
    const p = party(r.party);
    const message = await signal.groupEncrypt(address(p.address), r.distributionId, p.stores.senderKeyStore, bytes(r.plaintext));
    return { message: b64(message.serialize()) };
  },

  'group.decrypt': async (r) => {
    const p = party(r.party);
    return { plaintext: b64(await signal.groupDecrypt(address(r.sender), p.stores.senderKeyStore, bytes(r.message))) };
  },
};

const lines = readline.createInterface({ input: process.stdin, terminal: false });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let request;
    try {
      request = JSON.parse(line);
      const op = ops[request.op];
      if (!op) throw new Error(`unknown op ${request.op}`);
      const result = await op(request);
      process.stdout.write(JSON.stringify({ id: request.id, ok: true, result }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ id: request?.id ?? null, ok: false, error: String(e?.message ?? e), code: e?.code === undefined ? null : (signal.ErrorCode[e.code] ?? String(e.code)) }) + '\n');
    }
  });
});
lines.on('close', () => { queue.then(() => process.exit(0)); });
process.stdout.write(JSON.stringify({ id: 0, ok: true, result: { ready: true, libsignal: '0.103.0' } }) + '\n');

//! Personal data at rest (SPEC §6): resident IDs and phone numbers are sealed with
//! XChaCha20-Poly1305 under a key derived from `FUHUA_DATA_KEY`, and looked up by a
//! keyed hash (HMAC-SHA-256) so duplicates can be found without decrypting. The
//! audit chain is keyed by a third sub-key of the same data key ([`ChainKey`]).
//!
//! Every sub-key is HMAC-SHA-256(data key, label) with its own label, so no key is
//! used for two purposes. None of the key types prints its bytes in `Debug`.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::consts::U24;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, Nonce, Payload};
use hmac::{Hmac, Mac};
use rand::Rng as _;
use sha2::Sha256;

use crate::error::StoreError;

/// The key file written into the data directory for the embedded default.
pub const KEY_FILE: &str = "data.key";

/// Sealed values start with this version byte, then a 24-byte nonce.
const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;

/// The 32-byte data key. Never printed.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    /// Reads a key given as base64 (32 bytes).
    pub fn from_base64(text: &str) -> Result<DataKey, StoreError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| StoreError::Key("FUHUA_DATA_KEY is not valid base64".into()))?;
        let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            StoreError::Key(format!("FUHUA_DATA_KEY must be 32 bytes, got {}", b.len()))
        })?;
        Ok(DataKey(key))
    }

    /// A fresh random key.
    pub fn generate() -> DataKey {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        DataKey(key)
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// The embedded default: the key file in the data directory, created (mode
    /// 0600) on first start.
    pub fn load_or_create(dir: &Path) -> Result<DataKey, StoreError> {
        let path = dir.join(KEY_FILE);
        let io = |source| StoreError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => DataKey::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                    path: dir.display().to_string(),
                    source,
                })?;
                let key = DataKey::generate();
                write_private(&path, &key.to_base64()).map_err(io)?;
                tracing::info!(path = %path.display(), "generated a new data key; back it up with the database");
                Ok(key)
            }
            Err(e) => Err(io(e)),
        }
    }
}

/// Writes a file readable by its owner only, refusing to overwrite.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

type HmacSha256 = Hmac<Sha256>;

/// Derives a purpose-bound subkey: HMAC-SHA-256(data key, label).
fn subkey(key: &DataKey, label: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(&key.0)
        .unwrap_or_else(|_| unreachable_hmac());
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

/// HMAC accepts keys of any length, so creating one cannot fail.
fn unreachable_hmac() -> HmacSha256 {
    <HmacSha256 as hmac::KeyInit>::new(&Default::default())
}

/// The label of the audit chain's sub-key (HMAC-SHA-256(data key, label)).
pub const CHAIN_KEY_LABEL: &str = "fuhua/audit-chain/v1";

/// The key of the audit chain: HMAC-SHA-256(data key, [`CHAIN_KEY_LABEL`]). Row
/// hashes are HMAC-SHA-256 under this key, so someone who can write to the
/// database but does not hold the data key cannot compute a valid chain. Never
/// printed.
#[derive(Clone)]
pub struct ChainKey([u8; 32]);

impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainKey(<redacted>)")
    }
}

impl ChainKey {
    /// Derives the chain key from the data key.
    pub fn new(key: &DataKey) -> ChainKey {
        ChainKey(subkey(key, CHAIN_KEY_LABEL))
    }

    /// Lowercase hex (64 characters) of HMAC-SHA-256(chain key, `payload`).
    pub fn mac(&self, payload: &[u8]) -> String {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable_hmac());
        mac.update(payload);
        hex(&mac.finalize().into_bytes())
    }
}

/// Seals and looks up personal data, and holds the audit chain's key.
#[derive(Clone)]
pub struct Crypto {
    cipher: XChaCha20Poly1305,
    lookup_key: [u8; 32],
    chain_key: ChainKey,
}

impl fmt::Debug for Crypto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Crypto(<redacted>)")
    }
}

impl Crypto {
    pub fn new(key: &DataKey) -> Crypto {
        let enc = subkey(key, "fuhua/personal-data/encrypt/v1");
        Crypto {
            cipher: XChaCha20Poly1305::new(&enc.into()),
            lookup_key: subkey(key, "fuhua/personal-data/lookup/v1"),
            chain_key: ChainKey::new(key),
        }
    }

    /// The audit chain's key.
    pub fn chain_key(&self) -> &ChainKey {
        &self.chain_key
    }

    /// Encrypts `value`: version byte, 24-byte random nonce, ciphertext and tag.
    /// `purpose` (e.g. "resident_id") is bound to the ciphertext, so a value sealed
    /// for one column does not open as another.
    ///
    /// # Errors
    /// [`StoreError::Encrypt`] when the cipher refuses; the caller's change must
    /// then fail as a whole, never store an empty or partial ciphertext.
    pub fn seal(&self, purpose: &str, value: &str) -> Result<Vec<u8>, StoreError> {
        seal_with(&self.cipher, purpose, value)
    }

    /// Decrypts what `seal` produced for the same purpose.
    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<String, StoreError> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != FORMAT_V1 {
            return Err(StoreError::Decrypt);
        }
        let (nonce, body) = sealed[1..].split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(
                Nonce::<XChaCha20Poly1305>::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| StoreError::Decrypt)
    }

    /// A keyed hash for lookups and duplicate detection, and for audit rows in place
    /// of the identifier: lowercase hex of HMAC-SHA-256(lookup key, purpose ‖ 0 ‖ value).
    pub fn keyed_hash(&self, purpose: &str, value: &str) -> String {
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(&self.lookup_key)
            .unwrap_or_else(|_| unreachable_hmac());
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

/// [`Crypto::seal`] with any 24-byte-nonce AEAD.
fn seal_with<A>(cipher: &A, purpose: &str, value: &str) -> Result<Vec<u8>, StoreError>
where
    A: Aead + AeadCore<NonceSize = U24>,
{
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let payload = Payload {
        msg: value.as_bytes(),
        aad: purpose.as_bytes(),
    };
    let sealed = cipher
        .encrypt(Nonce::<A>::from_slice(&nonce), payload)
        .map_err(|_| StoreError::Encrypt {
            purpose: purpose.to_owned(),
        })?;
    if sealed.is_empty() {
        return Err(StoreError::Encrypt {
            purpose: purpose.to_owned(),
        });
    }
    let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt as _;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_purpose() {
        let key = DataKey::generate();
        let crypto = Crypto::new(&key);
        let sealed = crypto.seal("resident_id", "11010519491231002X").unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("11010519491231002X"));
        assert_eq!(
            crypto.open("resident_id", &sealed).unwrap(),
            "11010519491231002X"
        );
        assert!(matches!(
            crypto.open("phone", &sealed),
            Err(StoreError::Decrypt)
        ));
        let other = Crypto::new(&DataKey::generate());
        assert!(matches!(
            other.open("resident_id", &sealed),
            Err(StoreError::Decrypt)
        ));
        // A fresh nonce each time: the same value never seals the same way twice.
        assert_ne!(
            sealed,
            crypto.seal("resident_id", "11010519491231002X").unwrap()
        );
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(crypto.open("resident_id", &tampered).is_err());
    }

    /// An AEAD that refuses every message, standing in for a cipher failure.
    struct Refuses;

    impl AeadCore for Refuses {
        type NonceSize = U24;
        type TagSize = chacha20poly1305::aead::consts::U16;
        type CiphertextOverhead = chacha20poly1305::aead::consts::U0;
    }

    impl chacha20poly1305::aead::AeadInPlace for Refuses {
        fn encrypt_in_place_detached(
            &self,
            _: &Nonce<Self>,
            _: &[u8],
            _: &mut [u8],
        ) -> chacha20poly1305::aead::Result<chacha20poly1305::aead::Tag<Self>> {
            Err(chacha20poly1305::aead::Error)
        }

        fn decrypt_in_place_detached(
            &self,
            _: &Nonce<Self>,
            _: &[u8],
            _: &mut [u8],
            _: &chacha20poly1305::aead::Tag<Self>,
        ) -> chacha20poly1305::aead::Result<()> {
            Err(chacha20poly1305::aead::Error)
        }
    }

    #[test]
    fn a_failed_encryption_is_an_error_never_an_empty_ciphertext() {
        let result = seal_with(&Refuses, "phone", "13800000000");
        match result {
            Err(StoreError::Encrypt { purpose }) => assert_eq!(purpose, "phone"),
            other => panic!("expected an encryption error, got {other:?}"),
        }
        let message = seal_with(&Refuses, "phone", "13800000000")
            .unwrap_err()
            .to_string();
        assert!(message.contains("could not be encrypted"), "{message}");
        assert!(!message.contains("13800000000"), "{message}");
    }

    #[test]
    fn the_chain_key_is_its_own_sub_key_and_never_printed() {
        let key = DataKey::generate();
        let chain = ChainKey::new(&key);
        let again = ChainKey::new(&DataKey::from_base64(&key.to_base64()).unwrap());
        assert_eq!(chain.mac(b"row"), again.mac(b"row"));
        assert_ne!(chain.mac(b"row"), chain.mac(b"row2"));
        assert_ne!(
            chain.mac(b"row"),
            ChainKey::new(&DataKey::generate()).mac(b"row")
        );
        // Not the lookup key and not the data key itself.
        let crypto = Crypto::new(&key);
        assert_ne!(chain.0, crypto.lookup_key);
        assert_ne!(chain.0, key.0);
        assert_ne!(chain.0, subkey(&key, "fuhua/personal-data/encrypt/v1"));
        let raw_hex = hex(&chain.0);
        for shown in [
            format!("{chain:?}"),
            format!("{crypto:?}"),
            format!("{key:?}"),
        ] {
            assert!(shown.contains("<redacted>"), "{shown}");
            assert!(!shown.contains(&raw_hex), "{shown}");
            assert!(!shown.contains(&key.to_base64()), "{shown}");
        }
    }

    #[test]
    fn keyed_hashes_are_stable_per_key_and_purpose() {
        let key = DataKey::generate();
        let a = Crypto::new(&key);
        let b = Crypto::new(&DataKey::from_base64(&key.to_base64()).unwrap());
        assert_eq!(
            a.keyed_hash("resident_id", "x"),
            b.keyed_hash("resident_id", "x")
        );
        assert_ne!(a.keyed_hash("resident_id", "x"), a.keyed_hash("phone", "x"));
        assert_ne!(
            a.keyed_hash("resident_id", "x"),
            Crypto::new(&DataKey::generate()).keyed_hash("resident_id", "x")
        );
        assert_eq!(a.keyed_hash("resident_id", "x").len(), 64);
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert!(DataKey::from_base64("not base64!").is_err());
        assert!(DataKey::from_base64(&STANDARD.encode([0u8; 16])).is_err());
        assert!(DataKey::from_base64(&STANDARD.encode([7u8; 32])).is_ok());
        assert_eq!(format!("{:?}", DataKey::generate()), "DataKey(<redacted>)");
    }

    #[test]
    fn the_embedded_key_file_is_created_once_and_private() {
        let dir = std::env::temp_dir().join(format!(
            "fuhua-key-{}-{}",
            std::process::id(),
            rand::rng().random::<u64>()
        ));
        let first = DataKey::load_or_create(&dir).unwrap();
        let again = DataKey::load_or_create(&dir).unwrap();
        assert_eq!(first.to_base64(), again.to_base64());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

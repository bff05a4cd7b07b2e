import { describe, expect, it } from 'vitest';
import {
  ctsDecrypt,
  ctsEncrypt,
  decrypt,
  defaultSalt,
  encrypt,
  IntegrityError,
  KEY_USAGE,
  nfold,
  stringToKey,
  usageKeys,
} from '../../../../../emulators/protocols/kerberos/aes-cts-hmac-sha1.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 3961 Appendix A.1: n-fold.
describe('RFC 3961 A.1 n-fold', () => {
  const vectors: [number, string, string][] = [
    [64, '012345', 'be072631276b1955'],
    [56, 'password', '78a07b6caf85fa'],
    [64, 'Rough Consensus, and Running Code', 'bb6ed30870b7f0e0'],
    [168, 'password', '59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e'],
    [192, 'MASSACHVSETTS INSTITVTE OF TECHNOLOGY', 'db3b0d8f0b061e603282b308a50841229ad798fab9540c1b'],
    [168, 'Q', '518a54a215a8452a518a54a215a8452a518a54a215'],
    [168, 'ba', 'fb25d531ae8974499f52fd92ea9857c4ba24cf297e'],
    [64, 'kerberos', '6b65726265726f73'],
    [128, 'kerberos', '6b65726265726f737b9b5b2b93132b93'],
    [168, 'kerberos', '8372c236344e5f1550cd0747e15d62ca7a5a3bcea4'],
    [256, 'kerberos', '6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4'],
  ];
  for (const [bits, input, out] of vectors) {
    it(`${bits}-fold("${input}")`, () => expect(nfold(Buffer.from(input, 'ascii'), bits / 8).toString('hex')).toBe(out));
  }
});

// RFC 3962 Appendix B: PBKDF2-HMAC-SHA1 string-to-key, 256-bit AES keys.
describe('RFC 3962 B string-to-key (aes256)', () => {
  const vectors: [number, string | Buffer, string | Buffer, string][] = [
    [1, 'password', 'ATHENA.MIT.EDUraeburn', 'fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161'],
    [2, 'password', 'ATHENA.MIT.EDUraeburn', 'a2e16d16b36069c135d5e9d2e25f896102685618b95914b467c67622225824ff'],
    [1200, 'password', 'ATHENA.MIT.EDUraeburn', '55a6ac740ad17b4846941051e1e8b0a7548d93b0ab30a8bc3ff16280382b8c2a'],
    [5, 'password', hex('1234567878563412'), '97a4e786be20d81a382d5ebc96d5909cabcdadc87ca48f574504159f16c36e31'],
    [1200, 'X'.repeat(64), 'pass phrase equals block size', '89adee3608db8bc71f1bfbfe459486b05618b70cbae22092534e56c553ba4b34'],
    [1200, 'X'.repeat(65), 'pass phrase exceeds block size', 'd78c5c9cb872a8c9dad4697f0bb5b2d21496c82beb2caeda2112fceea057401b'],
    [50, Buffer.from('f09d849e', 'hex'), 'EXAMPLE.COMpianist', '4b6d9839f84406df1f09cc166db4b83c571848b784a3d6bdc346589a3e393f9e'],
  ];
  for (const [iter, pass, salt, key] of vectors) {
    it(`${iter} iterations, salt ${typeof salt === 'string' ? `"${salt}"` : `0x${salt.toString('hex')}`}`, () => expect(stringToKey(pass, salt, iter).toString('hex')).toBe(key));
  }

  it('the default salt is the realm then the name components (RFC 4120 §4)', () => {
    expect(defaultSalt('ATHENA.MIT.EDU', ['raeburn'])).toBe('ATHENA.MIT.EDUraeburn');
    expect(defaultSalt('EXAMPLE.COM', ['host', 'pc.example.com'])).toBe('EXAMPLE.COMhostpc.example.com');
  });
});

// RFC 3962 Appendix B: AES-128 CBC-CTS with IV zero, key "chicken teriyaki".
describe('RFC 3962 B CBC with ciphertext stealing', () => {
  const key = Buffer.from('chicken teriyaki', 'ascii');
  const vectors: [string, string][] = [
    ['4920776f756c64206c696b652074686520', 'c6353568f2bf8cb4d8a580362da7ff7f97'],
    ['4920776f756c64206c696b65207468652047656e6572616c20476175277320', 'fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5'],
    ['4920776f756c64206c696b65207468652047656e6572616c2047617527732043', '39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584'],
    [
      '4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c',
      '97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5',
    ],
    [
      '4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c20',
      '97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc98ebf5a8',
    ],
    [
      '4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c20616e6420776f6e746f6e20736f75702e',
      '97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8',
    ],
  ];
  for (const [plain, cipher] of vectors) {
    it(`${plain.length / 2} bytes`, () => {
      expect(ctsEncrypt(key, hex(plain)).toString('hex')).toBe(cipher);
      expect(ctsDecrypt(key, hex(cipher)).toString('hex')).toBe(plain);
    });
  }
});

describe('aes256-cts-hmac-sha1-96 (RFC 3961 §5.3, RFC 3962)', () => {
  it('decrypts a PA-ENC-TIMESTAMP made by another implementation (libkrimes crypto.rs test vector, key usage 1)', () => {
    const key = stringToKey('admin', 'admin1234');
    const ct = hex('29737f3db6bcdfe9990fb2136d3efe6f2100e6c4ac75824299d8d3702f5a2e31c7a336747dfd734a1ea0165ebb27c0d7ce9b5aec7a');
    expect(decrypt(key, KEY_USAGE.paEncTimestamp, ct).toString('ascii')).toBe('3ahwzt9MG9WVEuBVC5j0oi6sI');
  });

  it('round-trips every length from one byte to three blocks', () => {
    const key = stringToKey('Enrollscope-Alice-1', defaultSalt('KERBEROS.MICROSOFTONLINE.COM', ['alice']));
    const conf = Buffer.alloc(16, 7);
    for (let n = 0; n <= 48; n++) {
      const plain = Buffer.alloc(n, n);
      const ct = encrypt(key, KEY_USAGE.asRepEncPart, plain, conf);
      expect(ct.length).toBe(16 + n + 12);
      expect(decrypt(key, KEY_USAGE.asRepEncPart, ct).equals(plain)).toBe(true);
    }
  });

  it('refuses the wrong key usage, the wrong key and an altered byte', () => {
    const key = Buffer.alloc(32, 1);
    const ct = encrypt(key, KEY_USAGE.asRepEncPart, Buffer.from('EncASRepPart'), Buffer.alloc(16, 2));
    expect(() => decrypt(key, KEY_USAGE.ticket, ct)).toThrow(IntegrityError);
    expect(() => decrypt(Buffer.alloc(32, 9), KEY_USAGE.asRepEncPart, ct)).toThrow(IntegrityError);
    const altered = Buffer.from(ct);
    altered[20] = altered[20]! ^ 1;
    expect(() => decrypt(key, KEY_USAGE.asRepEncPart, altered)).toThrow(IntegrityError);
  });

  it('derives distinct Kc, Ke, Ki per usage (RFC 3961 §5.3 constants 0x99, 0xAA, 0x55)', () => {
    const k3 = usageKeys(Buffer.alloc(32, 3), 3);
    const k2 = usageKeys(Buffer.alloc(32, 3), 2);
    expect(new Set([k3.kc, k3.ke, k3.ki, k2.ke].map((b) => b.toString('hex'))).size).toBe(4);
    expect(k3.ke.length).toBe(32);
  });
});

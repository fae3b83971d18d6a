import { existsSync } from 'node:fs';
import { eld } from 'eld/small';
import { describe, expect, it } from 'vitest';
import { detectLanguage, LANGUAGE_MODEL_JSON } from '../../src/adapters/detect-language.js';

const SAMPLES = [
  'We approve the Acme Scheduler app to integrate with our production environment.',
  'Aprobamos que la aplicación se integre con nuestro entorno de producción.',
  'Nous approuvons l’intégration de l’application avec notre environnement de production.',
  'Wir genehmigen die Anbindung der App an unsere Produktionsumgebung.',
  'Approviamo l’integrazione dell’applicazione con il nostro ambiente di produzione.',
  'Aprovamos a integração do aplicativo com o nosso ambiente de produção.',
  'Wij keuren de koppeling van de app met onze productieomgeving goed.',
  '本番環境への接続を承認します。',
  'Approved.',
];

describe('language detection', () => {
  it('reads the model the build wrote as JSON (the test setup runs the build)', () => {
    expect(existsSync(LANGUAGE_MODEL_JSON)).toBe(true);
  });

  it('answers from the JSON model exactly as eld’s own module does, language and scores', () => {
    for (const text of SAMPLES) {
      const own = eld.detect(text);
      expect(detectLanguage(text), text).toEqual({ language: own.language || 'und', scores: own.getScores() });
    }
    expect(detectLanguage(SAMPLES[3]!).language).toBe('de');
    expect(detectLanguage(SAMPLES[4]!).language).toBe('it');
  });
});

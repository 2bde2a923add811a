/**
 * The ISO 4217 codes of Smile's RefCurrency (openapi-v1.yaml). A fixed list, not
 * the runtime's ICU data, so a decision does not depend on the Node version.
 */
export const CURRENCIES: ReadonlySet<string> = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF ' +
    'CHF CLF CLP CNY COP CRC CVE CZK DJF DKK DOP DZD EEK EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD ' +
    'HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD ' +
    'LSL LTL LVL LYD MAD MDL MGA MKD MMK MNT MOP MRO MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN ' +
    'PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD STD SVC SYP SZL THB TJS TMT ' +
    'TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL'
  ).split(' '),
);

/** Smile's RefPayPeriod values: how often an `incomes` item is paid. */
export const PAY_PERIODS = [
  'Hourly',
  'Daily',
  'Weekly',
  'Semimonthly',
  'Monthly',
  'Bimonthly',
  'Quarterly',
  'Annually',
  'Variable',
  'Unspecified',
] as const;
export type PayPeriod = (typeof PAY_PERIODS)[number];

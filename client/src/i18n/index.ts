import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.ts';
import en from './en.ts';
import { deskEn, deskZh } from './desk.ts';
import { accessEn, accessZh } from './access.ts';
import { pageParams, type Lang } from '../composables/pageParams.ts';

export const i18n = createI18n({
  legacy: false,
  locale: pageParams.lang,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': { ...zhCN, desk: deskZh, access: accessZh }, en: { ...en, desk: deskEn, access: accessEn } },
});
// The page says its language from the start (index.html says zh-CN): ?lang=en pages are English to
// screen readers, line breaking and `:lang()` styles too, not only after the header's switch.
if (typeof document !== 'undefined') document.documentElement.lang = pageParams.lang;

export function setLang(lang: Lang): void {
  i18n.global.locale.value = lang;
  document.documentElement.lang = lang;
}

/** 'zh' | 'en' for the code lists of @grid141/shared, which carry both names. */
export function codeLang(): 'zh' | 'en' {
  return i18n.global.locale.value === 'en' ? 'en' : 'zh';
}

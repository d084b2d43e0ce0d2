# Сторінки в браузері: успіх і скасування, куди Stripe повертає платника, та тестова сторінка
# оплати офлайн-пісочниці. Звичайний текст: сторінки екранують те, що показують.

page-library = Бібліотека
page-payment-ref = Платіж #{ $id }
page-paid-title = Оплату отримано — дякуємо
page-paid-text = { $type ->
    [FINE] Штраф за прострочене повернення сплачено.
   *[other] Оренду сплачено. Приємного читання!
}
page-refunded-since = Кошти за цей платіж відтоді повернено.
page-back-to-chat = Повернутися до чату
page-close-hint = Можна закрити цю сторінку й повернутися до Telegram.
page-unpaid-title = Ще не оплачено
page-unpaid-text = Stripe ще не підтвердив { $type ->
    [FINE] цей штраф
   *[other] цю оренду
}. Якщо ви щойно оплатили, оновіть сторінку за кілька секунд; платіж також підтвердиться сам, щойно Stripe нам повідомить.
page-go-pay = До сторінки оплати
page-confirming-title = Підтверджуємо вашу оплату…
page-confirming-text = Ми питаємо Stripe, чи пройшла ваша оплата. Сторінка оновиться сама за кілька секунд.
page-paused-title = Оплату призупинено
page-paused-text = Оплату призупинено — ви можете оплатити протягом 24 годин за цим посиланням або з розділу «Мої книжки» в Telegram-боті.
page-paused-limit = Доки її не оплачено, іншу книжку взяти не можна.
page-paused-done = Цей платіж уже завершено; більше нічого робити не треба.
page-pay-now = Оплатити зараз

checkout-test-mode = Тестовий режим
checkout-banner = Тестова заміна Stripe Checkout — без справжніх грошей
checkout-title = Оплата в пісочниці
checkout-pay-library = Оплата бібліотеці
checkout-total = До оплати
checkout-status-open = Очікує оплати
checkout-status-complete = Оплачено
checkout-status-expired = Термін минув
checkout-pay-with-card = Оплата карткою
checkout-email = Ел. пошта
checkout-card = Дані картки
checkout-pay = Оплатити { $amount }
checkout-processing = Обробка…
checkout-cancel = Скасувати
checkout-sandbox = Пісочниця
checkout-demo-text = Спробуйте, що буде, коли ніхто не оплатить вчасно: Stripe закриває оплату через 24 години.
checkout-expire = Нехай посилання застаріє
checkout-already-paid-title = Уже оплачено
checkout-already-paid-text = Цю оплату вже здійснено. Тут більше нічого робити не треба.
checkout-continue = Повернутися до бібліотеки
checkout-expired-title = Термін цієї оплати минув
checkout-expired-text = Нічого не списано. Натисніть «Оплатити» в чаті Telegram ще раз (на платежі, у «Моїх книжках» або на повідомленні про застаріле посилання): відкриється нова оплата.
checkout-expired-renew = Нічого не списано. Поновити платіж можна в розділі «Мої книжки» в Telegram-боті.
checkout-not-found-title = Оплату не знайдено
checkout-not-found-text = Пісочниця не знає цього посилання на оплату. Відкрийте нове посилання в боті («Мої книжки»).
checkout-fine-print = Жодну картку не списано: цю сторінку показує офлайн-пісочниця. Оплата позначає сесію оплаченою й надсилає бібліотеці підписаний вебхук checkout.session.completed, як це зробив би Stripe.
checkout-session = Сесія
checkout-expires = діє до { $date }

# Страницы в браузере: успех и отмена, куда Stripe возвращает плательщика, и тестовая страница
# оплаты офлайн-песочницы. Обычный текст: страницы экранируют то, что показывают.

page-library = Библиотека
page-payment-ref = Платёж #{ $id }
page-paid-title = Оплата получена — спасибо
page-paid-text = { $type ->
    [FINE] Штраф за просрочку оплачен.
   *[other] Аренда оплачена. Приятного чтения!
}
page-refunded-since = Деньги за этот платёж с тех пор возвращены.
page-back-to-chat = Вернуться в чат
page-close-hint = Эту страницу можно закрыть и вернуться в Telegram.
page-unpaid-title = Ещё не оплачено
page-unpaid-text = Stripe ещё не подтвердил { $type ->
    [FINE] оплату этого штрафа
   *[other] оплату этой аренды
}. Если вы только что оплатили, обновите страницу через несколько секунд; платёж также подтвердится сам, как только Stripe нам сообщит.
page-go-pay = К странице оплаты
page-confirming-title = Подтверждаем вашу оплату…
page-confirming-text = Мы спрашиваем у Stripe, прошла ли ваша оплата. Страница сама обновится через несколько секунд.
page-paused-title = Оплата приостановлена
page-paused-text = Оплата приостановлена — оплатить можно в течение 24 часов по этой ссылке или в разделе «Мои книги» в Telegram-боте.
page-paused-limit = Пока платёж не оплачен, взять другую книгу нельзя.
page-paused-done = Этот платёж уже завершён; больше ничего делать не нужно.
page-pay-now = Оплатить сейчас

checkout-test-mode = Тестовый режим
checkout-banner = Тестовая замена Stripe Checkout — без настоящих денег
checkout-title = Оплата в песочнице
checkout-pay-library = Оплата библиотеке
checkout-total = К оплате
checkout-status-open = Ждёт оплаты
checkout-status-complete = Оплачено
checkout-status-expired = Срок истёк
checkout-pay-with-card = Оплата картой
checkout-email = Эл. почта
checkout-card = Данные карты
checkout-pay = Оплатить { $amount }
checkout-processing = Обработка…
checkout-cancel = Отменить
checkout-sandbox = Песочница
checkout-demo-text = Посмотрите, что будет, если никто не оплатит вовремя: Stripe закрывает оплату через 24 часа.
checkout-expire = Пусть ссылка устареет
checkout-already-paid-title = Уже оплачено
checkout-already-paid-text = Эта оплата уже проведена. Здесь больше ничего делать не нужно.
checkout-continue = Вернуться в библиотеку
checkout-expired-title = Срок этой оплаты истёк
checkout-expired-text = Деньги не списаны. Снова нажмите «Оплатить» в чате Telegram (на платеже, в разделе «Мои книги» или на сообщении об устаревшей ссылке): откроется новая оплата.
checkout-expired-renew = Деньги не списаны. Возобновить платёж можно в разделе «Мои книги» в Telegram-боте.
checkout-not-found-title = Оплата не найдена
checkout-not-found-text = Песочница не знает этой ссылки на оплату. Откройте новую ссылку в боте («Мои книги»).
checkout-fine-print = С карты ничего не списывается: эту страницу показывает офлайн-песочница. Оплата помечает сессию оплаченной и отправляет библиотеке подписанный вебхук checkout.session.completed, как это сделал бы Stripe.
checkout-session = Сессия
checkout-expires = действует до { $date }

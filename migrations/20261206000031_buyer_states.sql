-- What a buyer sees is true: the basket caps a line at the per-customer
-- limit (not only checkout) and names a line whose payment is in flight.

-- Units of a product an account already has in orders that are not
-- cancelled or failed (those awaiting payment count): by the account, or
-- any account of the same address (without its "+tag"). Checkout counts
-- the shipping address too (it knows it); a basket does not yet.
CREATE FUNCTION account_bought(product BIGINT, account BIGINT) RETURNS INTEGER
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(l.quantity), 0)::INTEGER
    FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    JOIN users u ON u.id = o.user_id
    WHERE l.product_id = product AND o.status NOT IN ('cancelled', 'payment_failed')
      AND (o.user_id = account
           OR customer_email_key(u.email) = (SELECT customer_email_key(email) FROM users WHERE id = account))
$$;

-- The account's order being paid that holds units of a product, if any.
CREATE FUNCTION order_paying(product BIGINT, account BIGINT) RETURNS BIGINT
LANGUAGE sql STABLE AS $$
    SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id
    WHERE o.user_id = account AND o.status = 'awaiting_payment' AND l.product_id = product
    ORDER BY o.id DESC LIMIT 1
$$;

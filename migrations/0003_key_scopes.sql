-- What a key may do in its org (proxy, read, admin). Keys made before scopes could do everything: they become admin.
ALTER TABLE `api_keys` ADD `scope` text DEFAULT 'admin' NOT NULL;
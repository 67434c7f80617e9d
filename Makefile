# Thin aliases for ./run, which is the interface (and works without make).
.PHONY: dev test lint build deploy bench
dev:
	./run dev
test:
	./run test
lint:
	./run lint
build:
	./run build
deploy:
	./run deploy
bench:
	./run bench

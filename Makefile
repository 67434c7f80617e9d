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

# sam build (BuildMethod: makefile, run by ./run deploy with --build-in-source): every function is
# the same binary, built once by ./run artifact and copied into each function's artifact folder.
# SAM zips deterministically, so the 31 copies make one zip (same MD5, the S3 key): uploaded once.
build-%:
	./run artifact
	cp -p "$${CARGO_TARGET_DIR:-target}/lambda/bootstrap/bootstrap" "$(ARTIFACTS_DIR)/bootstrap"

from vault.services import key_ring_verify


def key_ring_opens_the_data():
    key_ring_verify()
